"""The review app's entry script (`tadka review` runs it with Streamlit): log in, then the pages.

Pages: Queue (one record at a time, keyboard), Browse (table, bulk actions), Dashboard (counts,
plots, agreement), Export (the same code as `tadka export`), Train (a background run on
an export, its loss and log live). Off loopback nothing but the sign-in form is drawn until an
account matches (see :mod:`tadka.apps.review.context`).
"""

import streamlit as st

from tadka.apps.review import context

st.set_page_config(page_title="tadka review", layout="wide")  # no page_icon: a Material one is fetched online
settings = context.settings()
who = context.login(settings)
page = st.navigation(
    [
        st.Page("views/queue.py", title="Queue", icon=":material/inbox:", default=True),
        st.Page("views/browse.py", title="Browse", icon=":material/table_view:"),
        st.Page("views/dashboard.py", title="Dashboard", icon=":material/monitoring:"),
        st.Page("views/export.py", title="Export", icon=":material/download:"),
        st.Page("views/train.py", title="Train", icon=":material/model_training:"),
    ]
)
with st.sidebar:
    st.caption(
        f"**{who}**"
        + (f" ({context.role()})" if settings.accounts_required else "")
        + f" · stage `{settings.stage}` · {settings.root.name}"
    )
    if settings.accounts_required:
        st.button("Sign out", key="sign_out", on_click=context.sign_out)
page.run()
