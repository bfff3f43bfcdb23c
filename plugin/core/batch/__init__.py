"""Running the tasks on scenes, however they are scheduled: the table of tasks (which engine function, request and
headline numbers), `NAME=value` -> request, scene lists and output naming, and run_scene (one scene -> one summary
record). The command line (plugin.core.cli) and the Dask runner (plugin.core.distributed) both build on it.
May import the task packages (classify, superres, accuracy) and the engine; never qgis, cli or distributed.
"""
