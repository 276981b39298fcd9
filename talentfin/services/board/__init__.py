"""人才板's services: the page's actions on a listing and the exchange's page."""
