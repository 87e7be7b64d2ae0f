"""tadka: curated Hinglish instruction data, and small models that run on edge devices.

The core package holds what every stage shares — the Record, the workspace, configuration, errors,
the registry and the language core — and never imports torch or streamlit.
"""

__version__ = "0.1.0"
