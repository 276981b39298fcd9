"""人才投's services: the fund's desk (findings, meetings, votes, reports) and its page."""
