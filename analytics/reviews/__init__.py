"""Reviews (评价) and word clouds (评价词云) — issue 15, points 1–2."""
