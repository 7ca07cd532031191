"""Running a pipeline over inputs: executors, corpus passes, checkpoints, the run report."""
