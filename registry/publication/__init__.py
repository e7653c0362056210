"""Publication: what the public may see, and how records get there.

* `visibility` holds the one rule that decides what the public sees (status, schedule,
  expiry, the records a record depends on, and the record being previewed), as a query
  condition and as a Python check, and the one helper that hides linked records;
* `permissions` names who may publish;
* `actions` publishes and unpublishes records, recording each change in the history;
* `notices` says in words what the public sees of a record, for editors;
* `share_links` signs and reads the links that let a reviewer preview a draft;
* `version` is the registry version behind the public cache: it changes with every change
  the public could see.

Nothing here imports the admin or the public views; both import from here.
"""
