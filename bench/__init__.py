"""Benchmark at national scale (fictional data only; never shipped to users)."""
