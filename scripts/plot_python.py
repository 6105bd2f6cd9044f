"""Shared start of the plot scripts: a Python with matplotlib, drawing to files.

    import plot_python
    plot_python.use_matplotlib("plot_run.py")
    import matplotlib.pyplot as plt

If the interpreter running the script cannot import matplotlib (e.g. a pyenv or venv `python3`
first on the PATH), the script is started again, same arguments, under Debian's /usr/bin/python3,
which has it when python3-matplotlib is installed. If that one lacks it too, one line on stderr
says what to install, and the exit status is 2.
"""

import os
import sys

FALLBACK_PYTHON = "/usr/bin/python3"
# Set (to the first interpreter) in the environment of the restarted script: it never restarts.
RESTARTED = "CLLNSIM_PLOT_PYTHON_RESTARTED"


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def use_matplotlib(script_name):
    """Imports matplotlib with the file-only Agg backend, or restarts / exits as above."""
    try:
        import matplotlib
    except ImportError as error:
        reason = str(error)
    else:
        matplotlib.use("Agg")
        return
    restartable = (not os.environ.get(RESTARTED) and os.access(FALLBACK_PYTHON, os.X_OK)
                   and not _same_file(sys.executable, FALLBACK_PYTHON))
    if restartable:
        os.environ[RESTARTED] = sys.executable
        os.execv(FALLBACK_PYTHON, [FALLBACK_PYTHON] + sys.argv)
    first = os.environ.get(RESTARTED)
    tried = f"{first} and {sys.executable}" if first else sys.executable
    print(f"{script_name}: error: no Python with matplotlib ({tried}: {reason}); install "
          "python3-matplotlib (apt-get install python3-matplotlib, or scripts/setup.sh)",
          file=sys.stderr)
    sys.exit(2)
