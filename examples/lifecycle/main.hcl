# Lifecycle rules: protect a prompt from deletion, and leave some attributes to the
# console.
#
#   prevent_destroy: a plan that would delete this prompt fails instead.
#   ignore_changes:  these attributes are set at creation, then edits made in the
#                    Genesys console are left alone.

prompt "compliance_disclosure" {
  id                = "compliance-disclosure"
  name              = "Call Recording Disclosure"
  description       = "Legal requires this prompt on every voice call"
  interaction_types = ["voice", "conversation"]

  trigger {
    type = "voice"
    condition {
      field    = "callDirection"
      operator = "equals"
      value    = "inbound"
    }
  }

  display {
    type       = "popup"
    content    = "Tell the customer the call is recorded for quality and training."
    timeout_ms = 60000
  }

  lifecycle {
    prevent_destroy = true
  }
}

prompt "seasonal_offer" {
  id                = "seasonal-offer"
  name              = "Seasonal Offer"
  description       = "Marketing edits the wording in the console"
  status            = "inactive"
  interaction_types = ["chat"]

  trigger {
    type = "chat"
    condition {
      field    = "productType"
      operator = "equals"
      value    = "premium"
    }
  }

  display {
    type    = "toast"
    content = "Mention this season's upgrade offer to {{customerName}}."
  }

  lifecycle {
    ignore_changes = [display.content, status]
  }
}
