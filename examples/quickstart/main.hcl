# Quickstart: three prompts, one dependency, one variable.
# Try it with no account:  assistform plan examples/quickstart --emulator

variable "hold_timeout" {
  type        = number
  default     = 45000
  description = "How long the hold guidance stays on screen, in milliseconds"
}

prompt "greeting" {
  name              = "Greeting Reminder"
  description       = "Reminds the agent to greet the customer by name"
  status            = "active"
  interaction_types = ["conversation", "chat", "voice"]

  trigger {
    type = "conversation"
    condition {
      field    = "conversationState"
      operator = "equals"
      value    = "connected"
    }
  }

  display {
    type    = "toast"
    content = "Greet {{customerName}} and confirm the reason for contact."
  }
}

prompt "account_hold" {
  id                = "assist-prompt-001"
  name              = "Account Hold Guidance"
  description       = "Displays hold instructions when account status matches hold criteria"
  status            = "active"
  interaction_types = ["conversation", "chat"]

  trigger {
    type = "conversation"
    condition {
      field    = "accountStatus"
      operator = "equals"
      value    = "on_hold"
    }
  }

  display {
    type       = "popup"
    content    = "Customer {{customerName}} requires verification. Reference {{accountId}}."
    timeout_ms = var.hold_timeout
  }

  depends_on = [prompt.greeting]
}

prompt "billing_dispute" {
  name              = "Billing Dispute Checklist"
  description       = "Walks the agent through the dispute steps for billing issues"
  interaction_types = ["conversation", "email", "chat"]

  trigger {
    type = "conversation"
    condition {
      field    = "issueCategory"
      operator = "contains"
      value    = "billing"
    }
  }

  display {
    type    = "inline"
    content = <<-EOT
      Billing dispute for {{customerName}} ({{productType}}):
      1. Confirm the charge and its date.
      2. Open a dispute case against {{accountId}}.
      3. Tell the customer when to expect an answer.
    EOT
  }
}
