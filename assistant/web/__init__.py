"""What the web app shows and serves: rendering, the criteria matrix, streamed chat turns, access, downloads."""
