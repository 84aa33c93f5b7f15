"""Jobs: each command's whole pipeline (load, override, check the output folder, run,
provenance, write, history), callable from Python exactly as the command line calls it."""
