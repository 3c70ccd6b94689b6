"""The Qt window. Views are passive; the controller is the only thing that talks to the worker."""
