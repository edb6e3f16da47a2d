"""One module a platform: how its export writes headers, values and rows from order snapshots."""
