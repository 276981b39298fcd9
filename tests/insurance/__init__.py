"""人才险: the route, its rules, its money and its link to the loan's pool claim."""
