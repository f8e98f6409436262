import { Type } from '@sinclair/typebox'
import { CONTROL, NullableString, PLAIN_TEXT, ref } from './common.js'

// 1 to 50 characters once surrounding white space is trimmed, none of them a control character
// (nor half a surrogate pair: x-well-formed). SPACE is the white space trim() removes that is not
// a control character, written as the characters themselves (no escape for them is portable).
const SPACE = '[ \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]'
const VISIBLE = `[^${CONTROL} \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]`
const ANY = `[^${CONTROL}]`
const TITLE_PATTERN = `^${SPACE}*${VISIBLE}(?:${ANY}{0,48}${VISIBLE})?${SPACE}*$`

export const ProductId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Product id' })

export const ProductParams = Type.Object({ id: ProductId })

const PriceOut = Type.String({
  pattern: '^\\d{1,5}\\.\\d{2}$',
  description: 'Exact decimal with two places, from 0.00 to 99999.99',
  examples: ['899.99']
})

const PriceIn = Type.Union(
  [
    Type.String({ pattern: '^\\d{1,5}(\\.\\d{1,2})?$', description: 'Decimal string with at most two places' }),
    Type.Number({ minimum: 0, maximum: 99999.99, description: 'JSON number with at most two decimals' })
  ],
  { description: 'A decimal string or JSON number from 0.00 to 99999.99 with at most two decimals', examples: ['899.99', 899.99] }
)

const Title = Type.String({
  maxLength: 200,
  pattern: TITLE_PATTERN,
  'x-well-formed': true,
  description: '1 to 50 characters after trimming',
  examples: ['PlayStation']
})

const Image = Type.String({
  format: 'uri',
  pattern: `^[Hh][Tt][Tt][Pp][Ss]?://[^${CONTROL}]*$`,
  'x-well-formed': true,
  maxLength: 255,
  description: 'An http or https URL',
  examples: ['https://example.com/playstation.jpg']
})

const PRODUCT_EXAMPLE = {
  id: 1,
  title: 'PlayStation',
  price: '899.99',
  image: 'https://example.com/playstation.jpg',
  createdAt: '2026-01-01T12:00:00.000Z',
  updatedAt: '2026-01-01T12:00:00.000Z'
}

export const Product = Type.Object(
  {
    id: ProductId,
    title: Type.String(),
    price: PriceOut,
    image: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' })
  },
  { $id: 'Product', additionalProperties: false, description: 'A product as stored', examples: [PRODUCT_EXAMPLE] }
)

export const ProductCreate = Type.Object(
  { title: Title, price: PriceIn, image: Image },
  {
    $id: 'ProductInput',
    additionalProperties: false,
    description: 'Every field of a product, to create or replace it',
    examples: [{ title: 'PlayStation', price: '899.99', image: 'https://example.com/playstation.jpg' }]
  }
)

export const ProductPatch = Type.Partial(Type.Object(ProductCreate.properties), {
  $id: 'ProductPatch',
  additionalProperties: false,
  minProperties: 1,
  description: 'Some fields of a product, to change only those',
  examples: [{ price: '289.00' }]
})

export const SORTS = ['id', '-id', 'title', '-title', 'price', '-price', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt'] as const
export type SortParam = (typeof SORTS)[number]

const PriceFilter = (description: string) =>
  Type.String({ pattern: '^\\d{1,5}(\\.\\d{1,2})?$', description, examples: ['10.00'] })

export const ProductListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, ...PLAIN_TEXT, description: 'Case-insensitive search in the title; every word must match' })),
    minPrice: Type.Optional(PriceFilter('Lowest price, inclusive')),
    maxPrice: Type.Optional(PriceFilter('Highest price, inclusive')),
    sort: Type.Unsafe<SortParam>({
      type: 'string',
      enum: [...SORTS],
      default: 'id',
      description: 'Field to sort by, - for descending; ties are broken by id'
    }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size' }),
    cursor: Type.Optional(Type.String({ maxLength: 500, description: 'nextCursor from the previous page (same sort)' }))
  },
  { additionalProperties: false }
)

export const ProductList = Type.Object({
  items: Type.Array(ref(Product)),
  nextCursor: NullableString({ description: 'Pass as cursor for the next page; null on the last' })
}, { $id: 'ProductPage', description: 'A page of products', examples: [{ items: [PRODUCT_EXAMPLE], nextCursor: null }] })
