## Card-to-card payments: the card, receipts, approval (issue 22).
