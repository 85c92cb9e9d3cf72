import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password must be at most 200 characters');
export const roleSchema = z.enum(['admin', 'member']);

export const createUserInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(100).optional().default(''),
  role: roleSchema.default('member'),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export const setupInput = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100).optional().default(''),
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: 'Passwords do not match', path: ['confirm'] });

export const profileInput = z.object({
  name: z.string().trim().max(100),
  email: emailSchema,
  timezone: z
    .string()
    .trim()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'Unknown time zone'),
});

export const changePasswordInput = z
  .object({
    current: z.string().min(1, 'Enter your current password'),
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: 'Passwords do not match', path: ['confirm'] });

export const tokenNameSchema = z.string().trim().min(1, 'Name is required').max(100);
