"""The app's pages. Each module is importable (``render()``) and is also run by ``st.navigation`` as a
page script, where ``__name__ == "__main__"``."""
