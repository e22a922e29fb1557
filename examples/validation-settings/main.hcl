# Validation settings mirror the org's own: extra context variables the org has
# added, and exact strings that look like PII but are not (a shared support
# address). They only widen what passes; they never hide real customer data.

validation {
  context_variables = ["orderId", "planName"]
  pii_allow         = ["support@example.com", "+1 800-555-0199"]
}

prompt "order_status" {
  id                = "order-status"
  name              = "Order Status Lookup"
  interaction_types = ["chat", "email"]

  trigger {
    type = "chat"
    condition {
      field    = "issueCategory"
      operator = "equals"
      value    = "order"
    }
  }

  display {
    type    = "inline"
    content = "Look up order {{orderId}} on the {{planName}} plan for {{customerName}}."
  }
}

prompt "escalation_contact" {
  id                = "escalation-contact"
  name              = "Escalation Contact"
  interaction_types = ["chat", "email"]

  trigger {
    type = "email"
    condition {
      field    = "sentiment"
      operator = "equals"
      value    = "negative"
    }
  }

  display {
    type    = "popup"
    content = "Offer escalation: support@example.com or +1 800-555-0199."
  }
}
