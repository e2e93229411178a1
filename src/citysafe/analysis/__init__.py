"""Pure numeric kernels: numpy arrays in, frozen dataclasses out. No database, web or files."""
