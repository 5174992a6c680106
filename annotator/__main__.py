"""``python -m annotator`` runs the command line, whose default command opens the window."""

from annotator.cli import main

if __name__ == "__main__":
    main()
