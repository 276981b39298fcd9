"""The benchmark: ``flask --app talentfin bench`` (issue 4).

Seeds synthetic data into a scratch database, measures the review queue, dossier
rendering, the workflow engine and HTTP throughput, prints the figures next to their
targets and writes them as JSON. Importing this package is cheap (the command's
dependencies load when it runs), because ``talentfin.cli`` registers it in every process.
"""

from talentfin.bench.command import bench_command

__all__ = ["bench_command"]
