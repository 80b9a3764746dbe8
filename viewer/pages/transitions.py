"""The SC-1 -> SC-2-0.8 -> SC-2-0.5 -> SC-3 transitions (filled in by viewer.transition)."""

import streamlit as st

st.title("Transitions")
