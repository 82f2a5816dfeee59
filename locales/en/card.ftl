## Card-to-card payments: the customer's receipt, and the staff's decision (issue 22).

btn-card-pay = 💳 Card to card
# The card and the amount to transfer; $amount is in the card's currency, $price in the plan's.
card-offer = 💳 <b>Card-to-card payment for order #{ $order }</b>
    Transfer exactly <b>{ $amount }</b> ({ $price }) to:
    Card: <code>{ $number }</code>
    Name: { $holder }
    Bank: { $bank }

    Then send a photo of the receipt here, or the transaction reference as text. An admin checks it within { $hours } hours.
card-receipt-ask = 📷 Send a photo of the receipt, or the transaction reference as text.
card-received = ✅ Receipt received. Your order waits for an admin's approval; you will get a message as soon as it is decided.
card-already-pending = ⏳ A receipt for this order is already waiting for approval.
card-too-many = ⏳ You have sent several receipts in the last hour. Please wait before sending another.
card-rejected = ❌ Your card payment for order #{ $order } was not accepted.
    Reason: { $reason }
card-expired = ⌛ Nobody could confirm your card payment of { $amount } for order #{ $order } in time. If you transferred the money, please contact support.

## Staff

btn-card-approve = ✅ Approve
btn-card-reject = ❌ Reject
# The receipt as staff see it; $reference is the customer's text, or 📷 for a photo.
card-staff-receipt = 💳 <b>Card payment #{ $id }</b>
    Customer: { $customer } (<code>{ $user }</code>)
    Order #{ $order }: { $price }
    Transfer: { $amount } to the card ending { $card }
    Reference: { $reference }
card-approved-staff = ✅ Card payment #{ $id } approved: order #{ $order } is credited.
card-reject-ask = ✍️ Why is card payment #{ $id } rejected? The customer will read your answer.
card-rejected-staff = ❌ Card payment #{ $id } rejected; the customer was told why.
card-already-approved = ℹ️ Card payment #{ $id } was already approved by { $by }.
card-already-rejected = ℹ️ Card payment #{ $id } was already rejected by { $by }.
card-already-expired = ℹ️ Card payment #{ $id } has expired; nothing was decided.
