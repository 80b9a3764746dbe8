"""The net: bonds, building units (clusters, linkers), the quotient net and its periodic components."""
