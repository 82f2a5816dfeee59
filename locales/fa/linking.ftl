## Linking an account that is already on a panel (issue 21).
