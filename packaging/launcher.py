"""Entry point of the frozen app: the same command line as the pip-installed ``gdplayground``."""
import multiprocessing
import sys

if __name__ == "__main__":
    # The window trains in a spawned child process; in a frozen app that child is this same
    # executable, and freeze_support() turns it into the child instead of a second window.
    multiprocessing.freeze_support()
    from gdplayground.cli import main

    sys.exit(main())
