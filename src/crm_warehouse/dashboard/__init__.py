"""The CRM dashboard (`crm dashboard`): a Streamlit app on the published serving copy.

Pages are functions (pages.py) over data-access modules that aggregate in DuckDB
(data_*.py, read-only connections); labels in Chinese and English (i18n.py)."""
