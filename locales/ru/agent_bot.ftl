# An agent's own bot: what its customers read, with the agent's brand.
