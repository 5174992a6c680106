"""The PySide6 face of annotator: the only package that imports Qt."""
