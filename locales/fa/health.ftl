## Panel health: alerts when a panel is down or back, and what its customers are told (issue 21).
