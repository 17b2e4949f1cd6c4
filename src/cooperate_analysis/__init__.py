"""CSR adoption as a competitiveness factor in three Tuscan industrial districts."""
