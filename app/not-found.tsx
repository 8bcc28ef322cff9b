import Link from 'next/link'

export default function NotFound() {
  return (
    <div className="py-24 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-muted">There is no model or page at this address.</p>
      <Link href="/" className="mt-6 inline-block text-accent underline">
        See all models
      </Link>
    </div>
  )
}
