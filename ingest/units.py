"""The one unit for sizes: a megabyte is 1,000,000 bytes, in settings, limits and messages alike."""

MB = 1_000_000
