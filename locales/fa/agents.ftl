# Agents (resellers): the agent menu in the main bot and the owner's agent screens.
