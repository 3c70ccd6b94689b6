"""The optimizer lab's engine: 2-D test surfaces, optimizer paths on them, conjugate gradient and
an evolution strategy, many small networks trained together in one vectorised pass (races,
learning-rate range tests, (lr, momentum) maps), optimizer-state maps and schedule previews.
Pure NumPy, like the rest of the engine."""
