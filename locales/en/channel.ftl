## The required channel: join first, then "I joined" (issue 20).
