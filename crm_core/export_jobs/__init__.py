"""Exports as background jobs with progress: the console starts one, watches a progress bar and
downloads the file when it is ready. Each package registers what it can export (`ExportSource`)."""
