"""Experiments as files: RunConfig <-> JSON (``config_json``), the whole experiment with its data,
weights and lesson (``document``), building a Run from one (``restore``), and safe reading and
writing (``files``)."""
from .config_json import config_from_dict, config_from_text, config_to_json, load_config
from .document import CUSTOM, Experiment, dataset_from_dict, dataset_to_dict, from_document, to_document
from .errors import ExperimentError
from .files import SUFFIX, experiment_from_text, experiment_to_json, load_experiment, save_experiment, write_experiment
from .lesson import CONTROLS, Lesson
from .migrations import FORMAT, MIGRATIONS, VERSION
from .reading import MAX_FILE_BYTES
from .presets import Preset, list_presets, preset_folders
from .restore import build_run, check_config, check_window, experiment_from_run, load_state

__all__ = [
    "CONTROLS", "CUSTOM", "Experiment", "ExperimentError", "FORMAT", "Lesson", "MAX_FILE_BYTES", "MIGRATIONS", "Preset",
    "SUFFIX", "VERSION", "build_run", "check_config", "check_window", "config_from_dict", "config_from_text", "config_to_json", "dataset_from_dict",
    "dataset_to_dict", "experiment_from_run", "experiment_from_text", "experiment_to_json", "from_document",
    "list_presets", "load_config", "load_experiment", "load_state", "preset_folders", "save_experiment", "to_document", "write_experiment",
]
