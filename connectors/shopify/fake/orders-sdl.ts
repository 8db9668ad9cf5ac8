/**
 * The order, fulfillment-order and metafield subset of the GraphQL Admin API schema (2025-10),
 * with Shopify's type, field and enum names, added to the customer schema of graphql.ts. Only
 * what omnihub reads and writes; a field the connector misspells fails here as at Shopify.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Order
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/FulfillmentOrder
 * https://shopify.dev/docs/api/admin-graphql/2025-10/objects/Metafield
 */
export const ORDERS_SDL = /* GraphQL */ `
  scalar Decimal
  scalar JSON

  enum CurrencyCode { AED AUD BHD BRL CAD CHF CLP CNY CZK DKK EUR GBP HKD HUF ILS INR ISK JOD JPY KRW KWD MXN NOK NZD OMR PLN SEK SGD TND USD VND ZAR }
  enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
  enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED }
  enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
  enum OrderSortKeys { CREATED_AT CUSTOMER_NAME DESTINATION FINANCIAL_STATUS FULFILLMENT_STATUS ID NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT }
  enum FulfillmentOrderStatus { CANCELLED CLOSED IN_PROGRESS INCOMPLETE ON_HOLD OPEN SCHEDULED }
  enum DeliveryMethodType { LOCAL NONE PICK_UP PICKUP_POINT RETAIL SHIPPING }
  enum FulfillmentStatus { CANCELLED ERROR FAILURE SUCCESS OPEN PENDING }
  enum MetafieldOwnerType { CUSTOMER ORDER PRODUCT }
  enum MetafieldsSetUserErrorCode {
    APP_NOT_AUTHORIZED BLANK CAPABILITY_VIOLATION INCLUSION INTERNAL_ERROR INVALID INVALID_COMPARE_DIGEST INVALID_TYPE
    INVALID_VALUE LESS_THAN_OR_EQUAL_TO PRESENT STALE_OBJECT TAKEN TOO_LONG TOO_SHORT DISALLOWED_OWNER_TYPE
  }

  type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

  type Location implements Node { id: ID! legacyResourceId: UnsignedInt64! name: String! }
  type FulfillmentOrderAssignedLocation { location: Location name: String! }
  type DeliveryMethod implements Node { id: ID! methodType: DeliveryMethodType! }

  type LineItem implements Node {
    id: ID!
    name: String!
    title: String!
    variantTitle: String
    sku: String
    quantity: Int!
    currentQuantity: Int!
    refundableQuantity: Int!
    unfulfilledQuantity: Int!
    originalUnitPriceSet: MoneyBag!
    originalTotalSet: MoneyBag!
    discountedUnitPriceSet: MoneyBag!
    discountedTotalSet: MoneyBag!
  }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

  type FulfillmentOrderLineItem implements Node { id: ID! totalQuantity: Int! remainingQuantity: Int! lineItem: LineItem! }
  type FulfillmentOrderLineItemEdge { cursor: String! node: FulfillmentOrderLineItem! }
  type FulfillmentOrderLineItemConnection { edges: [FulfillmentOrderLineItemEdge!]! nodes: [FulfillmentOrderLineItem!]! pageInfo: PageInfo! }

  type FulfillmentOrder implements Node {
    id: ID!
    status: FulfillmentOrderStatus!
    deliveryMethod: DeliveryMethod
    assignedLocation: FulfillmentOrderAssignedLocation!
    createdAt: DateTime!
    updatedAt: DateTime!
    orderId: ID!
    orderName: String!
    order: Order!
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): FulfillmentOrderLineItemConnection!
  }
  type FulfillmentOrderEdge { cursor: String! node: FulfillmentOrder! }
  type FulfillmentOrderConnection { edges: [FulfillmentOrderEdge!]! nodes: [FulfillmentOrder!]! pageInfo: PageInfo! }

  type Fulfillment implements Node { id: ID! name: String! status: FulfillmentStatus! createdAt: DateTime! updatedAt: DateTime! location: Location }
  type Refund implements Node { id: ID! createdAt: DateTime note: String totalRefundedSet: MoneyBag! }

  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    email: String
    phone: String
    sourceName: String
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    closed: Boolean!
    closedAt: DateTime
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    currencyCode: CurrencyCode!
    totalPriceSet: MoneyBag!
    currentTotalPriceSet: MoneyBag!
    subtotalPriceSet: MoneyBag
    currentSubtotalPriceSet: MoneyBag!
    totalRefundedSet: MoneyBag!
    customer: Customer
    customerLocale: String
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
    fulfillmentOrders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, displayable: Boolean = false, query: String): FulfillmentOrderConnection!
    fulfillments(first: Int): [Fulfillment!]!
    refunds(first: Int): [Refund!]!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

  type Metafield implements Node {
    id: ID!
    namespace: String!
    key: String!
    type: String!
    value: String!
    jsonValue: JSON!
    compareDigest: String!
    ownerType: MetafieldOwnerType!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type MetafieldEdge { cursor: String! node: Metafield! }
  type MetafieldConnection { edges: [MetafieldEdge!]! nodes: [Metafield!]! pageInfo: PageInfo! }

  input MetafieldsSetInput { ownerId: ID! namespace: String key: String! type: String value: String! compareDigest: String }
  type MetafieldsSetUserError implements DisplayableError { code: MetafieldsSetUserErrorCode elementIndex: Int field: [String!] message: String! }
  type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }

  extend type Customer {
    metafields(namespace: String, keys: [String!], first: Int, after: String, last: Int, before: String, reverse: Boolean = false): MetafieldConnection!
    metafield(namespace: String, key: String!): Metafield
  }

  type AccessScope { handle: String! description: String! }
  type AppInstallation implements Node { id: ID! accessScopes: [AccessScope!]! }

  extend type Query {
    currentAppInstallation: AppInstallation!
    order(id: ID!): Order
    orders(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean = false, sortKey: OrderSortKeys = PROCESSED_AT): OrderConnection!
    fulfillmentOrder(id: ID!): FulfillmentOrder
  }

  extend type Mutation {
    metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
  }
`;
