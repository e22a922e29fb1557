# Variables and locals: one team's prompts, parameterised per environment.
#
#   assistform validate examples/variables-and-locals
#   assistform validate examples/variables-and-locals --var team=Retention
#   assistform validate examples/variables-and-locals --var-file examples/variables-and-locals/prod.vars.hcl
#
# Values come, lowest precedence first, from ASSISTFORM_VAR_<name>, *.auto.vars.hcl
# files, --var-file files and --var arguments.

variable "team" {
  type        = string
  default     = "Billing"
  description = "The team whose agents see these prompts"
}

variable "hold_timeout" {
  type    = number
  default = 45000
}

variable "channels" {
  type    = list(string)
  default = ["conversation", "chat"]
}

locals {
  prefix      = "[${var.team}]"
  description = "Managed by assistform for the ${var.team} team"
}

prompt "verify_identity" {
  id                = "billing-verify-identity"
  name              = "${local.prefix} Verify identity"
  description       = local.description
  interaction_types = var.channels

  trigger {
    type = "conversation"
    condition {
      field    = "issueCategory"
      operator = "equals"
      value    = "billing"
    }
  }

  display {
    type       = "popup"
    content    = "Verify {{customerName}} before discussing account {{accountId}}."
    timeout_ms = var.hold_timeout
  }
}

prompt "refund_policy" {
  id                = "billing-refund-policy"
  name              = "${local.prefix} Refund policy"
  description       = local.description
  interaction_types = var.channels

  trigger {
    type = "chat"
    condition {
      field    = "issueCategory"
      operator = "contains"
      value    = "refund"
    }
  }

  display {
    type    = "inline"
    content = "Refunds for {{productType}} are possible within 30 days of purchase."
  }

  depends_on = [prompt.verify_identity]
}
