"""Charts in one house style: each function draws a matplotlib figure from result tables."""
