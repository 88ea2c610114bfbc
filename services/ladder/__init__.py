"""The ladder contact → active → member: funnel, rates, medians, cohorts, answers before becoming active."""
