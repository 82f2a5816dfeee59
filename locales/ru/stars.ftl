## Telegram Stars: paying with Stars, refunds (issue 22).
