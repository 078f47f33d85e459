# Stands in for the requirements project's update.py (icehouse, juno),
# which would rewrite a project's requirements files; nothing to do here.
import sys

sys.exit(0)
