# Canned responses: texts agents send with a click, shared through response
# libraries. Genesys assigns every id; a response names its libraries by
# reference, so apply creates the libraries first and deletes them last.
#
#   assistform plan --emulator
#   assistform apply --emulator

validation {
  # The company's own support address is not a customer's.
  pii_allow = ["support@example.com"]
}

response_library "billing" {
  name = "Billing"
}

response_library "shipping" {
  name = "Shipping"
}

canned_response "refund_issued" {
  name             = "Refund issued"
  library_ids      = [response_library.billing.id]
  interaction_type = "chat"

  texts {
    content = "Hi {{CUSTOMER_NAME}}, your refund of {{amount}} is on its way. It reaches your account within {{days}} business days."
  }

  substitutions {
    id          = "amount"
    description = "The refunded amount, with its currency"
  }

  substitutions {
    id            = "days"
    description   = "Business days until the refund arrives"
    default_value = "5"
  }
}

canned_response "where_is_my_order" {
  name        = "Where is my order"
  library_ids = [response_library.shipping.id]

  texts {
    content = "Your order {{order_id}} left our warehouse and is with the carrier. Questions? Write to support@example.com."
  }

  substitutions {
    id          = "order_id"
    description = "The order number"
  }
}

# One response in both libraries.
canned_response "delayed_refund" {
  name             = "Refund for a delayed order"
  library_ids      = [response_library.billing.id, response_library.shipping.id]
  interaction_type = "email"

  texts {
    type    = "subject"
    content = "Your refund for order {{order_id}}"
  }

  texts {
    content_type = "text/html"
    content      = "<p>Hello {{CUSTOMER_NAME}},</p><p>we are sorry your order {{order_id}} was late. We refunded the shipping cost.</p><p>{{AGENT_NAME}}</p>"
  }

  substitutions {
    id = "order_id"
  }
}
