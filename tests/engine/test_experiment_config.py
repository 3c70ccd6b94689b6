"""RunConfig <-> JSON: round trip and refusals that name the field."""
import pytest

from gdplayground import RunConfig
from gdplayground.experiment import ExperimentError, config_from_text, config_to_json


def test_round_trip():
    cfg = RunConfig(dataset="spiral", hidden=(8, 8), activation=("tanh", "relu"), optimizer="adam",
                    hyper={"betas": (0.8, 0.99), "amsgrad": True}, schedule="step",
                    schedule_settings={"step_size": 10}, batch_size=0, data_seed=7)
    assert config_from_text(config_to_json(cfg)) == cfg


@pytest.mark.parametrize("text,words", [
    ('{"lr": "fast"}', "config.lr"),
    ('{"hidden": [8, "x"]}', "config.hidden"),
    ('{"colour": 1}', "unknown field 'colour'"),
    ('{"lr": -1}', "lr must be"),
    ('[1, 2]', "expected a JSON object"),
    ('{"lr": 0.1,\n "seed": }', "line 2"),
    ('{"format": "gdplayground", "version": 99, "config": {}}', "newer"),
    ('{"format": "other", "version": 1, "config": {}}', "format"),
    ('{"hyper": {"betas": "x"}}', "config.hyper.betas"),
    ("[" * 100000, "nested too deeply"),
])
def test_refusals_name_the_field(text, words):
    with pytest.raises(ExperimentError, match=None) as info:
        config_from_text(text)
    assert words in str(info.value)
