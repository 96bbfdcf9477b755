"""Public pool use cases: rules and limits, the sweep and reminders, claims and hand-outs."""
