"""Public views: `pages` (records and lists), `discovery` (search, feeds, sitemap, robots)."""
