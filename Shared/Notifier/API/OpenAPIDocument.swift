/// `/api/openapi.json`: the notifier's API as OpenAPI 3.1. The integration tests validate it
/// and fuzz the running API from it (schemathesis), checking every response against it, so it
/// has to change with the routes (`NotifierAPI`, `DashboardAPI`) and the queries
/// (`DashboardQueries`).
public enum OpenAPIDocument {
    /// What every command endpoint answers.
    private static let commandResponses = """
        {"202": {"$ref": "#/components/responses/CommandSent"}, "400": {"$ref": "#/components/responses/CommandRefused"},
         "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
         "413": {"$ref": "#/components/responses/TooLarge"}}
        """

    public static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Keel notifier API",
            "version": "1.0.0",
            "description": "The notifier's HTTP port. What Keel recorded (positions, orders, fills, equity, risk decisions, strategy statistics, service health) and the operator commands. Prices, sizes and money are strings holding the exact decimal; times are milliseconds since the epoch. Everything but /healthz, /readyz and /metrics (the probes and Prometheus) needs a bearer token: the read token for GET, the operator token for the commands."
          },
          "servers": [{"url": "/"}],
          "security": [{"token": []}],
          "paths": {
            "/healthz": {
              "get": {
                "summary": "The process is up",
                "security": [],
                "responses": {
                  "200": {"description": "Up", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status", "service"],
                    "properties": {"status": {"const": "ok"}, "service": {"type": "string"}}}}}}
                }
              }
            },
            "/readyz": {
              "get": {
                "summary": "Every dependency answers (PostgreSQL, the broker, migrations)",
                "security": [],
                "responses": {
                  "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
                  "503": {"description": "Not ready; each failing check says why", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}
                }
              }
            },
            "/metrics": {
              "get": {
                "summary": "Prometheus metrics, the trading figures among them",
                "security": [],
                "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}
              }
            },
            "/api/positions": {
              "get": {
                "summary": "Open positions, by symbol",
                "responses": {
                  "200": {"description": "Open positions", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Position"}}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/orders": {
              "get": {
                "summary": "The latest orders, newest first",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {
                  "200": {"description": "Orders", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/fills": {
              "get": {
                "summary": "The latest fills, newest first",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {
                  "200": {"description": "Fills", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Fill"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/equity": {
              "get": {
                "summary": "The latest equity snapshots, newest first",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {
                  "200": {"description": "Equity snapshots", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Equity"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/decisions": {
              "get": {
                "summary": "The latest risk decisions (the signals and what risk made of them), newest first",
                "parameters": [
                  {"$ref": "#/components/parameters/Limit"},
                  {"name": "intent_id", "in": "query", "required": false, "description": "Only this intent's decision", "schema": {"type": "string"}}
                ],
                "responses": {
                  "200": {"description": "Decisions", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/stats": {
              "get": {
                "summary": "Per strategy: win rate, profit factor and expectancy over its closed trades",
                "responses": {
                  "200": {"description": "Statistics", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/StrategyStats"}}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/control": {
              "get": {
                "summary": "Pause and breaker state per account",
                "responses": {
                  "200": {"description": "Control state", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Control"}}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/health": {
              "get": {
                "summary": "Each service's instances and each consumer group's lag",
                "responses": {
                  "200": {"description": "Service health", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/snapshot": {
              "get": {
                "summary": "Everything the dashboard shows, at once",
                "responses": {
                  "200": {"description": "Snapshot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            },
            "/api/stream": {
              "get": {
                "summary": "Server-Sent Events: a `snapshot` event (a Snapshot as JSON) whenever it changed; ends after five minutes (reconnect)",
                "responses": {
                  "200": {"description": "Event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "503": {"description": "Too many streams are open", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
              }
            },
            "/api/commands/pause": {"post": {"summary": "Stop new entries", "operationId": "pause", "requestBody": {"$ref": "#/components/requestBodies/Plain"}, "responses": \#(commandResponses)}},
            "/api/commands/resume": {"post": {"summary": "Allow new entries again", "operationId": "resume", "requestBody": {"$ref": "#/components/requestBodies/Plain"}, "responses": \#(commandResponses)}},
            "/api/commands/reset-breaker": {"post": {"summary": "Re-arm the daily-loss and drawdown breakers", "operationId": "resetBreaker", "requestBody": {"$ref": "#/components/requestBodies/Plain"}, "responses": \#(commandResponses)}},
            "/api/commands/flatten": {"post": {"summary": "Close every position at the market", "operationId": "flatten", "requestBody": {"$ref": "#/components/requestBodies/Flatten"}, "responses": \#(commandResponses)}},
            "/api/commands/close": {"post": {"summary": "Close one symbol's position at the market", "operationId": "close", "requestBody": {"$ref": "#/components/requestBodies/Close"}, "responses": \#(commandResponses)}},
            "/api/commands/{command_id}": {
              "get": {
                "summary": "What risk did with a command",
                "parameters": [{"name": "command_id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "api-c1"}],
                "responses": {
                  "200": {"description": "Risk's outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandOutcome"}}}},
                  "400": {"$ref": "#/components/responses/BadRequest"},
                  "401": {"$ref": "#/components/responses/Unauthorized"},
                  "404": {"description": "Risk has not acted on it (yet)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
              }
            },
            "/api/openapi.json": {
              "get": {
                "summary": "This document",
                "responses": {
                  "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}},
                  "401": {"$ref": "#/components/responses/Unauthorized"}
                }
              }
            }
          },
          "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "notifier.api.read_token, or notifier.api.operator_token (also for the commands)"}},
            "parameters": {
              "Limit": {"name": "limit", "in": "query", "required": false, "description": "How many, newest first (default 100)", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
            },
            "requestBodies": {
              "Plain": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandFields"}}}},
              "Flatten": {"required": true, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/CommandFields"}, {
                "type": "object", "required": ["confirm"], "properties": {"confirm": {"const": true}}}]}}}},
              "Close": {"required": true, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/CommandFields"}, {
                "type": "object", "required": ["symbol"], "properties": {"symbol": {"type": "string", "pattern": "^[A-Za-z0-9]{2,30}$"}}}]}}}}
            },
            "responses": {
              "Unauthorized": {"description": "No token, or a wrong one", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "BadRequest": {"description": "A parameter out of range, or an id that is not plain text", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "CommandSent": {"description": "Sent to risk on ops.commands.v1; GET /api/commands/{command_id} tells what risk did", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandSent"}}}},
              "CommandRefused": {"description": "A malformed body, an unknown field, a missing symbol or confirmation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "Forbidden": {"description": "The read token cannot command", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
              "TooLarge": {"description": "The body is over 4 KiB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": {
              "Decimal": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
              "OptionalDecimal": {"type": ["string", "null"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
              "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}},
              "CommandFields": {
                "type": "object", "additionalProperties": false,
                "properties": {
                  "reason": {"type": "string", "maxLength": 200},
                  "command_id": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$", "description": "Your id for the command: a retried request with the same id is one command"},
                  "symbol": {"type": "string"},
                  "confirm": {"type": "boolean"}
                }
              },
              "CommandSent": {
                "type": "object", "required": ["command_id", "command", "issued_by", "status"],
                "properties": {"command_id": {"type": "string"}, "command": {"type": "string"}, "issued_by": {"type": "string"}, "status": {"const": "sent"}}
              },
              "CommandOutcome": {
                "type": "object", "required": ["command_id", "issued_by", "command", "outcome", "detail", "issued_at", "applied_at"],
                "properties": {
                  "command_id": {"type": "string"}, "issued_by": {"type": "string"}, "command": {"type": "string"},
                  "symbol": {"type": ["string", "null"]}, "reason": {"type": "string"},
                  "outcome": {"enum": ["applied", "refused"]}, "detail": {"type": "string"},
                  "issued_at": {"type": "integer"}, "applied_at": {"type": "integer"}
                }
              },
              "Position": {
                "type": "object", "required": ["symbol", "side", "size", "average_price", "sequence", "updated_at"],
                "properties": {
                  "symbol": {"type": "string"}, "side": {"enum": ["long", "short", null]},
                  "size": {"$ref": "#/components/schemas/Decimal"}, "average_price": {"$ref": "#/components/schemas/Decimal"},
                  "mark_price": {"$ref": "#/components/schemas/OptionalDecimal"}, "unrealised_pnl": {"$ref": "#/components/schemas/Decimal"},
                  "realised_pnl": {"$ref": "#/components/schemas/Decimal"}, "leverage": {"$ref": "#/components/schemas/Decimal"},
                  "liquidation_price": {"$ref": "#/components/schemas/OptionalDecimal"}, "stop_loss": {"$ref": "#/components/schemas/OptionalDecimal"},
                  "take_profit": {"$ref": "#/components/schemas/OptionalDecimal"}, "sequence": {"type": "integer"}, "updated_at": {"type": "integer"}
                }
              },
              "Order": {
                "type": "object", "required": ["client_order_id", "order_id", "intent_id", "symbol", "side", "order_type", "role", "status", "reduce_only", "quantity", "created_at", "updated_at"],
                "properties": {
                  "client_order_id": {"type": "string"}, "order_id": {"type": "string"}, "intent_id": {"type": "string"},
                  "venue_order_id": {"type": ["string", "null"]}, "symbol": {"type": "string"}, "side": {"type": "string"},
                  "order_type": {"type": "string"}, "role": {"type": "string"}, "status": {"type": "string"}, "reduce_only": {"type": "boolean"},
                  "quantity": {"$ref": "#/components/schemas/Decimal"}, "limit_price": {"$ref": "#/components/schemas/OptionalDecimal"},
                  "filled_quantity": {"$ref": "#/components/schemas/Decimal"}, "average_price": {"$ref": "#/components/schemas/OptionalDecimal"},
                  "fees_paid": {"$ref": "#/components/schemas/Decimal"}, "reject_reason": {"type": "string"},
                  "created_at": {"type": "integer"}, "updated_at": {"type": "integer"}
                }
              },
              "Fill": {
                "type": "object", "required": ["fill_id", "client_order_id", "symbol", "side", "price", "quantity", "fee", "realised_pnl", "filled_at"],
                "properties": {
                  "fill_id": {"type": "string"}, "client_order_id": {"type": "string"}, "venue_order_id": {"type": "string"},
                  "symbol": {"type": "string"}, "side": {"type": "string"}, "price": {"$ref": "#/components/schemas/Decimal"},
                  "quantity": {"$ref": "#/components/schemas/Decimal"}, "fee": {"$ref": "#/components/schemas/Decimal"},
                  "fee_currency": {"type": "string"}, "is_maker": {"type": "boolean"},
                  "realised_pnl": {"$ref": "#/components/schemas/Decimal"}, "filled_at": {"type": "integer"}
                }
              },
              "Equity": {
                "type": "object", "required": ["account", "currency", "equity", "recorded_at"],
                "properties": {
                  "account": {"type": "string"}, "currency": {"type": "string"}, "equity": {"$ref": "#/components/schemas/Decimal"},
                  "wallet_balance": {"$ref": "#/components/schemas/Decimal"}, "available_balance": {"$ref": "#/components/schemas/Decimal"},
                  "unrealised_pnl": {"$ref": "#/components/schemas/Decimal"}, "margin_used": {"$ref": "#/components/schemas/Decimal"},
                  "recorded_at": {"type": "integer"}
                }
              },
              "Decision": {
                "type": "object", "required": ["intent_id", "strategy", "symbol", "approved", "decided_at"],
                "properties": {
                  "intent_id": {"type": "string"}, "strategy": {"type": "string"}, "symbol": {"type": "string"}, "approved": {"type": "boolean"},
                  "reason": {"type": ["string", "null"]}, "detail": {"type": "string"},
                  "quantity": {"$ref": "#/components/schemas/OptionalDecimal"}, "leverage": {"$ref": "#/components/schemas/OptionalDecimal"},
                  "risk_amount": {"$ref": "#/components/schemas/OptionalDecimal"}, "notional": {"$ref": "#/components/schemas/OptionalDecimal"},
                  "reduce_only": {"type": "boolean"}, "notes": {"type": "array"}, "verdicts": {"type": "array"},
                  "inputs": {"type": "object"}, "intent": {"type": "object"}, "decided_at": {"type": "integer"}
                }
              },
              "StrategyStats": {
                "type": "object", "required": ["strategy", "trades", "wins", "losses", "win_rate", "gross_profit", "gross_loss", "profit_factor", "expectancy", "net_pnl"],
                "properties": {
                  "strategy": {"type": "string"}, "trades": {"type": "integer"}, "wins": {"type": "integer"}, "losses": {"type": "integer"},
                  "win_rate": {"$ref": "#/components/schemas/Decimal"}, "gross_profit": {"$ref": "#/components/schemas/Decimal"},
                  "gross_loss": {"$ref": "#/components/schemas/Decimal"},
                  "profit_factor": {"$ref": "#/components/schemas/OptionalDecimal", "description": "null when the strategy has no losing trade"},
                  "expectancy": {"$ref": "#/components/schemas/Decimal"}, "net_pnl": {"$ref": "#/components/schemas/Decimal"}
                }
              },
              "Control": {
                "type": "object", "required": ["account", "paused", "breaker_tripped"],
                "properties": {
                  "account": {"type": "string"}, "paused": {"type": "boolean"}, "paused_reason": {"type": "string"},
                  "breaker_tripped": {"type": "boolean"}, "breaker_reason": {"type": "string"},
                  "updated_at": {"type": "integer"}, "updated_by": {"type": "string"}
                }
              },
              "Health": {
                "type": "object", "description": "Only error is set when the health could not be read",
                "properties": {
                  "generated_at": {"type": "integer"}, "down_after_ms": {"type": "integer"}, "lag_measured_at": {"type": ["integer", "null"]},
                  "services": {"type": "array", "items": {
                    "type": "object", "required": ["service", "alive", "ready", "live_instances", "last_seen", "instances"],
                    "properties": {
                      "service": {"type": "string"}, "alive": {"type": "boolean"}, "ready": {"type": "boolean"},
                      "live_instances": {"type": "integer"}, "last_seen": {"type": "integer"},
                      "instances": {"type": "array", "items": {
                        "type": "object", "required": ["instance", "alive", "ready", "last_seen"],
                        "properties": {
                          "instance": {"type": "string"}, "host": {"type": "string"}, "started_at": {"type": "integer"},
                          "last_seen": {"type": "integer"}, "stopped_at": {"type": ["integer", "null"]}, "alive": {"type": "boolean"},
                          "ready": {"type": "boolean"}, "checks": {"type": "object", "additionalProperties": {"type": "string"}}
                        }}}
                    }}},
                  "consumer_groups": {"type": "array", "items": {
                    "type": "object", "required": ["group", "topics"],
                    "properties": {
                      "group": {"type": "string"}, "topics": {"type": "array", "items": {"type": "string"}},
                      "partitions": {"type": ["integer", "null"]}, "lag": {"type": ["integer", "null"]}, "error": {"type": ["string", "null"]}
                    }}},
                  "error": {"type": "string"}
                }
              },
              "Readiness": {
                "type": "object", "required": ["status", "service"], "additionalProperties": {"type": "string"},
                "properties": {"status": {"enum": ["ready", "not ready"]}, "service": {"type": "string"}}
              },
              "Snapshot": {
                "type": "object", "required": ["control", "positions", "orders", "fills", "decisions", "equity", "stats"],
                "properties": {
                  "control": {"type": "array", "items": {"$ref": "#/components/schemas/Control"}},
                  "positions": {"type": "array", "items": {"$ref": "#/components/schemas/Position"}},
                  "orders": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}},
                  "fills": {"type": "array", "items": {"$ref": "#/components/schemas/Fill"}},
                  "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}},
                  "equity": {"type": "array", "items": {"$ref": "#/components/schemas/Equity"}},
                  "stats": {"type": "array", "items": {"$ref": "#/components/schemas/StrategyStats"}},
                  "health": {"$ref": "#/components/schemas/Health"}
                }
              }
            }
          }
        }
        """#
}
