"""The review app (Streamlit), started by `tadka review [WORKSPACE]`: app.py is its entry script,
views/ its pages, context.py what the pages share, widgets.py the pieces they draw with."""
