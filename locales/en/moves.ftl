## Moving a service to another panel (issue 21).
