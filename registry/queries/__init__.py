"""The query layer: what public pages, feeds, the API and search load, published only and
bounded by a page size whatever the amount of data.

* `common`: prefetches every output shares (citations of published sources, topics, legs);
* `sections`: a page's capped lists, each with its total and a link to the full list;
* `facts`: visits with their itineraries, posts with their holders, officials met;
* `timeline`: dated facts of every kind, merged and paginated by the database.
"""
